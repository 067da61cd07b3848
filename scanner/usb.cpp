// USB through libusb: identity (maker, model, serial) of every USB scanner for the audit log,
// and eSCL over IPP-over-USB — an interface of class 7/1/4 carrying HTTP on its bulk endpoints,
// one exchange at a time, every response read to its end, "Host: localhost".
#include <libusb-1.0/libusb.h>

#include <deque>
#include <filesystem>
#include <set>
#include <fstream>
#include <memory>

#include "scanner/internal/drivers.hpp"
#include "scanner/internal/escl.hpp"
#include "scanner/internal/http.hpp"
#include "scanner/internal/quirks.hpp"

namespace kp::scanner::internal {
namespace {

namespace fs = std::filesystem;

// IPP-over-USB (USB-IF "IPP Protocol over USB" 1.0): printer class, IPP-over-USB protocol.
constexpr int kPrinterClass = 7, kPrinterSubclass = 1, kIppUsbProtocol = 4;
// Bulk transfers are made in pieces of this size: the usbfs limit before libusb splits a
// transfer, so each piece is one URB.
constexpr int kBulkPiece = 16384;
// A page of a slow scanner may take this long to start arriving.
constexpr unsigned kBulkTimeoutMs = 30000;

struct Context {
  libusb_context* ctx = nullptr;
  Context() {
    if (libusb_init(&ctx) != 0) ctx = nullptr;
  }
  ~Context() {
    if (ctx != nullptr) libusb_exit(ctx);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

struct DeviceList {
  libusb_device** list = nullptr;
  ssize_t count = 0;
  explicit DeviceList(libusb_context* ctx) : count(ctx != nullptr ? libusb_get_device_list(ctx, &list) : 0) {}
  ~DeviceList() {
    if (list != nullptr) libusb_free_device_list(list, 1);
  }
  DeviceList(const DeviceList&) = delete;
  DeviceList& operator=(const DeviceList&) = delete;
};

struct IppInterface {
  int number = -1;
  int alt = 0;
  unsigned char in = 0, out = 0;
};

std::optional<IppInterface> ipp_interface(libusb_device* dev) {
  libusb_config_descriptor* config = nullptr;
  if (libusb_get_active_config_descriptor(dev, &config) != 0 && libusb_get_config_descriptor(dev, 0, &config) != 0) return std::nullopt;
  std::optional<IppInterface> found;
  for (int i = 0; i < config->bNumInterfaces && !found; ++i) {
    for (int a = 0; a < config->interface[i].num_altsetting && !found; ++a) {
      const auto& alt = config->interface[i].altsetting[a];
      if (alt.bInterfaceClass != kPrinterClass || alt.bInterfaceSubClass != kPrinterSubclass || alt.bInterfaceProtocol != kIppUsbProtocol) continue;
      IppInterface f;
      f.number = alt.bInterfaceNumber;
      f.alt = alt.bAlternateSetting;
      for (int e = 0; e < alt.bNumEndpoints; ++e) {
        const auto& ep = alt.endpoint[e];
        if ((ep.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK) continue;
        ((ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0 ? f.in : f.out) = ep.bEndpointAddress;
      }
      if (f.in != 0 && f.out != 0) found = f;
    }
  }
  libusb_free_config_descriptor(config);
  return found;
}

std::string read_attribute(const fs::path& dir, const char* name) {
  std::ifstream in(dir / name);
  std::string value;
  std::getline(in, value);
  return value;
}

// The kernel's strings for the device (sysfs), found by bus and address: no control transfer
// needed, and the same strings udev rules see.
struct Identity {
  std::string manufacturer, product, serial;
};

Identity identity_of(int bus, int address) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/bus/usb/devices", ec)) {
    const fs::path dir = entry.path();
    if (read_attribute(dir, "busnum") == std::to_string(bus) && read_attribute(dir, "devnum") == std::to_string(address)) {
      return {read_attribute(dir, "manufacturer"), read_attribute(dir, "product"), read_attribute(dir, "serial")};
    }
  }
  return {};
}

std::string hex4(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v & 0xffff);
  return buf;
}

// HTTP over the interface's bulk endpoints.
class UsbStream final : public ByteStream {
 public:
  UsbStream(libusb_device_handle* h, IppInterface i) : h_(h), i_(i) {}
  bool write_all(const std::string& bytes) override {
    for (std::size_t done = 0; done < bytes.size();) {
      const int piece = static_cast<int>(std::min<std::size_t>(kBulkPiece, bytes.size() - done));
      int sent = 0;
      auto* data = reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data() + done));
      if (libusb_bulk_transfer(h_, i_.out, data, piece, &sent, kBulkTimeoutMs) != 0 || sent <= 0) return false;
      done += static_cast<std::size_t>(sent);
    }
    return true;
  }
  bool read_some(std::string& into, std::size_t) override {
    unsigned char buffer[kBulkPiece];
    int got = 0;
    const int rc = libusb_bulk_transfer(h_, i_.in, buffer, kBulkPiece, &got, kBulkTimeoutMs);
    if (got > 0) into.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(got));
    return got > 0 && (rc == 0 || rc == LIBUSB_ERROR_TIMEOUT);
  }

 private:
  libusb_device_handle* h_;
  IppInterface i_;
};

// The claimed interface, held for the whole session and released when it ends.
struct Claimed {
  std::shared_ptr<Context> context;
  libusb_device_handle* handle = nullptr;
  IppInterface interface;
  ~Claimed() {
    if (handle != nullptr) {
      libusb_release_interface(handle, interface.number);
      libusb_close(handle);
    }
  }
  Claimed() = default;
  Claimed(const Claimed&) = delete;
  Claimed& operator=(const Claimed&) = delete;
};

Result<std::shared_ptr<Claimed>> claim(std::shared_ptr<Context> context, libusb_device* dev, const IppInterface& i, const std::string& id) {
  auto c = std::make_shared<Claimed>();
  c->context = std::move(context);
  c->interface = i;
  const int opened = libusb_open(dev, &c->handle);
  if (opened == LIBUSB_ERROR_ACCESS) {
    c->handle = nullptr;
    return fail("permission_denied", describe(Fault{FaultKind::permission_denied, 0, false, ""}), id);
  }
  if (opened != 0) {
    c->handle = nullptr;
    return fail("device_unplugged", {"Không mở được máy quét USB " + id, "Cannot open the USB scanner " + id}, id);
  }
  // An IPP-over-USB interface normally has no kernel driver (usblp binds protocols 1–3 only);
  // one is detached only when the claim finds it bound.
  int claimed = libusb_claim_interface(c->handle, i.number);
  if (claimed == LIBUSB_ERROR_BUSY && libusb_kernel_driver_active(c->handle, i.number) == 1 && libusb_detach_kernel_driver(c->handle, i.number) == 0) {
    claimed = libusb_claim_interface(c->handle, i.number);
  }
  if (claimed != 0) {
    libusb_close(c->handle);
    c->handle = nullptr;
    return fail("device_busy", {"Máy quét USB " + id + " đang bị chương trình khác giữ (ví dụ ipp-usb): dừng chương trình đó",
                                "The USB scanner " + id + " is held by another program (ipp-usb, for example): stop it"},
                id);
  }
  if (i.alt != 0) libusb_set_interface_alt_setting(c->handle, i.number, i.alt);
  return c;
}

StreamFactory usb_streams(std::shared_ptr<Claimed> c) {
  return [c]() -> Result<std::unique_ptr<ByteStream>> { return std::unique_ptr<ByteStream>(std::make_unique<UsbStream>(c->handle, c->interface)); };
}

}  // namespace

Result<std::vector<DeviceInfo>> discover_usb() {
  std::vector<DeviceInfo> out;
  auto context = std::make_shared<Context>();
  if (context->ctx == nullptr) return out;  // no USB stack (a container): nothing to list
  const DeviceList devices(context->ctx);
  for (ssize_t n = 0; n < devices.count; ++n) {
    libusb_device* dev = devices.list[n];
    const auto i = ipp_interface(dev);
    if (!i) continue;
    libusb_device_descriptor d{};
    libusb_get_device_descriptor(dev, &d);
    const Identity who = identity_of(libusb_get_bus_number(dev), libusb_get_device_address(dev));
    DeviceInfo info;
    info.id = "usb:" + hex4(d.idVendor) + ":" + hex4(d.idProduct);
    info.driver = "usb";
    info.vendor = who.manufacturer;
    info.model = who.product;
    info.serial = who.serial;
    // Its capabilities, asked over eSCL; a device another program holds is still listed.
    if (auto claimed = claim(context, dev, *i, info.id)) {
      if (auto session = open_escl_over(usb_streams(*claimed), "localhost", "/eSCL", info)) info.capabilities = (*session)->device().capabilities;
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::unique_ptr<ScanSession>> open_usb(const std::string& spec) {
  // "VID:PID" or "VID:PID:SERIAL", hexadecimal as lsusb prints them.
  unsigned vid = 0, pid = 0;
  char serial[128] = {0};
  const int fields = std::sscanf(spec.c_str(), "%x:%x:%127s", &vid, &pid, serial);
  if (fields < 2) return fail("bad_source", {"Cần usb:VID:PID, ví dụ usb:04c5:132b", "Expected usb:VID:PID, for example usb:04c5:132b"}, spec);
  auto context = std::make_shared<Context>();
  if (context->ctx == nullptr) return fail("no_device", {"Không có USB trên máy này", "No USB on this machine"}, spec);
  const DeviceList devices(context->ctx);
  for (ssize_t n = 0; n < devices.count; ++n) {
    libusb_device* dev = devices.list[n];
    libusb_device_descriptor d{};
    libusb_get_device_descriptor(dev, &d);
    if (d.idVendor != vid || d.idProduct != pid) continue;
    const Identity who = identity_of(libusb_get_bus_number(dev), libusb_get_device_address(dev));
    if (fields == 3 && who.serial != serial) continue;
    const auto i = ipp_interface(dev);
    const std::string id = "usb:" + hex4(d.idVendor) + ":" + hex4(d.idProduct);
    if (!i) {
      return fail("no_device", {"Máy quét " + id + " không có giao diện IPP-over-USB: dùng sane:…", "The scanner " + id + " has no IPP-over-USB interface: use sane:…"}, spec);
    }
    auto claimed = claim(context, dev, *i, id);
    if (!claimed) return tl::unexpected(claimed.error());
    DeviceInfo known;
    known.id = "usb:" + spec;
    known.driver = "usb";
    known.vendor = who.manufacturer;
    known.model = who.product;
    known.serial = who.serial;
    auto session = open_escl_over(usb_streams(*claimed), "localhost", "/eSCL", std::move(known));
    if (!session) return tl::unexpected(session.error());
    return session;
  }
  return fail("no_device", {"Không thấy máy quét USB " + spec, "No USB scanner " + spec}, spec);
}

std::string usb_serial(int bus, int address) { return identity_of(bus, address).serial; }

namespace {

bool is_scanner(libusb_device* dev, const libusb_device_descriptor& d) {
  if (ipp_interface(dev)) return true;
  for (const auto& v : quirks().usb) {
    if (v.vendor_id == hex4(d.idVendor)) return true;
  }
  return false;
}

class UsbWatcher final : public DeviceWatcher {
  struct Private {};

 public:
  // Built by create() only: the callback needs the object at a fixed address.
  explicit UsbWatcher(Private) {}

  static Result<std::unique_ptr<DeviceWatcher>> create() {
    auto w = std::make_unique<UsbWatcher>(Private{});
    if (w->context_.ctx == nullptr || libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) == 0) {
      return fail("no_hotplug", {"Không theo dõi được thiết bị USB cắm vào / rút ra trên máy này", "USB devices cannot be watched on this machine"});
    }
    const int rc = libusb_hotplug_register_callback(
        w->context_.ctx, static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        static_cast<libusb_hotplug_flag>(0), LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, &UsbWatcher::on_event,
        w.get(), &w->handle_);
    if (rc != LIBUSB_SUCCESS) return fail("no_hotplug", {"Không đăng ký được theo dõi USB", "Cannot register for USB hotplug"});
    w->registered_ = true;
    return std::unique_ptr<DeviceWatcher>(std::move(w));
  }

  ~UsbWatcher() override {
    if (registered_) libusb_hotplug_deregister_callback(context_.ctx, handle_);
  }
  UsbWatcher(const UsbWatcher&) = delete;
  UsbWatcher& operator=(const UsbWatcher&) = delete;

  std::optional<ScanEvent> next(std::chrono::milliseconds timeout) override {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (events_.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      timeval tv{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
      libusb_handle_events_timeout_completed(context_.ctx, &tv, nullptr);
    }
    ScanEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  static int LIBUSB_CALL on_event(libusb_context*, libusb_device* dev, libusb_hotplug_event event, void* self) {
    auto* w = static_cast<UsbWatcher*>(self);
    libusb_device_descriptor d{};
    libusb_get_device_descriptor(dev, &d);
    const std::string id = "usb:" + hex4(d.idVendor) + ":" + hex4(d.idProduct);
    if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
      if (!is_scanner(dev, d)) return 0;
      const Identity who = identity_of(libusb_get_bus_number(dev), libusb_get_device_address(dev));
      DeviceInfo info;
      info.id = id;
      info.driver = "usb";
      info.vendor = who.manufacturer;
      info.model = who.product;
      info.serial = who.serial;
      w->present_.insert(id);
      w->events_.emplace_back(DeviceArrived{std::move(info)});
    } else if (w->present_.erase(id) != 0) {
      w->events_.emplace_back(DeviceLeft{id});
    }
    return 0;  // stay registered
  }

  Context context_;
  libusb_hotplug_callback_handle handle_ = 0;
  bool registered_ = false;
  std::deque<ScanEvent> events_;
  std::set<std::string> present_;
};

}  // namespace

}  // namespace kp::scanner::internal

namespace kp::scanner {

Result<std::unique_ptr<DeviceWatcher>> watch_usb_devices() { return internal::UsbWatcher::create(); }

}  // namespace kp::scanner

namespace kp::scanner::internal {

}  // namespace kp::scanner::internal
