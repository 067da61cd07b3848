#include "escl_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace kp::test {

std::string escl_capabilities_xml(bool duplex) {
  const std::string caps =
      "<scan:SettingProfiles><scan:SettingProfile><scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode>"
      "</scan:ColorModes><scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt>"
      "</scan:DocumentFormats><scan:SupportedResolutions><scan:DiscreteResolutions>"
      "<scan:DiscreteResolution><scan:XResolution>150</scan:XResolution><scan:YResolution>150</scan:YResolution></scan:DiscreteResolution>"
      "<scan:DiscreteResolution><scan:XResolution>200</scan:XResolution><scan:YResolution>200</scan:YResolution></scan:DiscreteResolution>"
      "<scan:DiscreteResolution><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:DiscreteResolution>"
      "</scan:DiscreteResolutions></scan:SupportedResolutions></scan:SettingProfile></scan:SettingProfiles>"
      "<scan:SupportedIntents><scan:Intent>Document</scan:Intent></scan:SupportedIntents>";
  const std::string input =
      "<scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth><scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>3508</scan:MaxHeight>"
      "<scan:MaxScanRegions>1</scan:MaxScanRegions>" + caps + "<scan:MaxOpticalXResolution>300</scan:MaxOpticalXResolution>"
      "<scan:MaxOpticalYResolution>300</scan:MaxOpticalYResolution><scan:RiskyLeftMargin>0</scan:RiskyLeftMargin>"
      "<scan:RiskyRightMargin>0</scan:RiskyRightMargin><scan:RiskyTopMargin>0</scan:RiskyTopMargin><scan:RiskyBottomMargin>0</scan:RiskyBottomMargin>";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<scan:ScannerCapabilities xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\">"
         "<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>Kiemphieu Test ADF-200</pwg:MakeAndModel><pwg:SerialNumber>TEST-0001</pwg:SerialNumber>"
         "<scan:Manufacturer>Kiemphieu</scan:Manufacturer><scan:UUID>4509a320-00a0-008f-00b6-002507510eca</scan:UUID>"
         "<scan:Platen><scan:PlatenInputCaps>" + input + "</scan:PlatenInputCaps></scan:Platen>"
         "<scan:Adf><scan:AdfSimplexInputCaps>" + input + "</scan:AdfSimplexInputCaps>" +
         (duplex ? "<scan:AdfDuplexInputCaps>" + input + "</scan:AdfDuplexInputCaps>" : std::string()) +
         "<scan:FeederCapacity>50</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>"
         "<scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>";
}

namespace {

void send_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string response(int status, const std::string& reason, const std::string& type, const std::string& body, const std::string& extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra + "\r\n" + body;
}

}  // namespace

EsclServer::EsclServer(EsclScenario scenario) : scenario_(std::move(scenario)) {
  busy_job_left_ = scenario_.busy_before_job;
  warming_left_ = scenario_.warming_up;
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // any free port
  ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listener_, 16);
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

EsclServer::~EsclServer() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

std::vector<std::string> EsclServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void EsclServer::serve() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void EsclServer::handle(int fd) {
  std::string data;
  char buffer[8192];
  std::size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string head = data.substr(0, header_end);
  std::string body = data.substr(header_end + 4);
  std::size_t length = 0;
  std::string host;
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
    const std::size_t next = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    std::string name = line.substr(0, line.find(':'));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string value = line.find(':') == std::string::npos ? "" : line.substr(line.find(':') + 1);
    if (name == "content-length") length = static_cast<std::size_t>(std::stoul(value));
    if (name == "host") host = value.substr(value.find_first_not_of(' '));
    at = next;
  }
  while (body.size() < length) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    body.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string method = head.substr(0, head.find(' '));
  const std::size_t path_start = head.find(' ') + 1;
  const std::string path = head.substr(path_start, head.find(' ', path_start) - path_start);
  std::lock_guard lock(mutex_);
  requests_.push_back(method + " " + path + " Host: " + host);
  const std::string xml = "text/xml";
  if (method == "GET" && path == "/eSCL/ScannerCapabilities") {
    send_all(fd, response(200, "OK", xml, escl_capabilities_xml(scenario_.duplex)));
  } else if (method == "GET" && path == "/eSCL/ScannerStatus") {
    const std::string adf = stopped_ ? scenario_.adf_state_at_stop : next_page_ < scenario_.pages.size() ? "ScannerAdfLoaded" : "ScannerAdfEmpty";
    send_all(fd, response(200, "OK", xml,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><scan:ScannerStatus xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" "
                          "xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\"><pwg:Version>2.63</pwg:Version><pwg:State>" +
                          std::string(warming_left_ > 0 ? "Testing" : "Idle") + "</pwg:State>"
                          "<scan:AdfState>" + adf + "</scan:AdfState></scan:ScannerStatus>"));
  } else if (method == "POST" && path == "/eSCL/ScanJobs") {
    if (busy_job_left_ > 0) {
      --busy_job_left_;
      send_all(fd, response(503, "Service Unavailable", xml, ""));
      return;
    }
    ++jobs_;
    platen_job_ = body.find("Platen") != std::string::npos;
    busy_page_left_ = scenario_.busy_before_each_page;
    send_all(fd, response(201, "Created", xml, "", "Location: http://127.0.0.1:" + std::to_string(port_) + "/eSCL/ScanJobs/job-" + std::to_string(jobs_) + "\r\n"));
  } else if (method == "GET" && path.find("/NextDocument") != std::string::npos) {
    if (warming_left_ > 0) {
      --warming_left_;
      send_all(fd, response(503, "Service Unavailable", xml, ""));
      return;
    }
    if (busy_page_left_ > 0) {
      --busy_page_left_;
      send_all(fd, response(503, "Service Unavailable", xml, ""));
      return;
    }
    busy_page_left_ = scenario_.busy_before_each_page;
    const bool stop_now = scenario_.stop_after && next_page_ >= *scenario_.stop_after;
    const bool platen_done = platen_job_ && next_page_ > 0;
    if (stop_now || platen_done || next_page_ >= scenario_.pages.size()) {
      stopped_ = stop_now;
      send_all(fd, response(404, "Not Found", xml, ""));
      return;
    }
    const std::string& page = scenario_.pages[next_page_];
    if (scenario_.drop_on_page && *scenario_.drop_on_page == next_page_) {
      const std::string full = response(200, "OK", "image/jpeg", page);
      send_all(fd, full.substr(0, full.size() - page.size() / 2));  // the connection breaks inside the page
      ++next_page_;
      return;
    }
    ++next_page_;
    send_all(fd, response(200, "OK", "image/jpeg", page));
  } else if (method == "DELETE") {
    send_all(fd, response(200, "OK", xml, ""));
  } else {
    send_all(fd, response(404, "Not Found", xml, ""));
  }
}

}  // namespace kp::test
