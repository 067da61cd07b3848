#include "common/help_text.hpp"

#include <map>
#include <memory>

#include <CLI/CLI.hpp>

namespace kp {
namespace {

// Every option's description as declared (English), in Vietnamese. A description that names
// only a file or a value ("CONGRESS.db", "N:HASH") reads the same in both and is not here.
const std::map<std::string, std::string>& vietnamese() {
  static const std::map<std::string, std::string> table{
      {"Print this help message and exit", "In hướng dẫn này rồi thoát"},
      {"Display program version information and exit", "In phiên bản của chương trình rồi thoát"},
      {"vi (mặc định / default) hoặc/or en; also KIEMPHIEU_LANG", "vi (mặc định) hoặc en; cũng đặt được bằng KIEMPHIEU_LANG"},
      {"BALLOTS.jsonl (- for standard input)", "BALLOTS.jsonl (- để đọc từ đầu vào chuẩn)"},
      {"CANDIDATE=STATE for each target decided (the unclear ones at least; the others keep what was read): kept, struck, agree, disagree, both, none",
       "ỨNG_VIÊN=TRẠNG_THÁI cho mỗi ô quyết định (ít nhất các ô chưa rõ; ô khác giữ như máy đọc): kept (giữ), struck (gạch), agree (đồng ý), "
       "disagree (không đồng ý), both (cả hai ô), none (không ô nào)"},
      {"SHEET ids (default: every sheet waiting only for its stamp)", "số các tờ phiếu (mặc định: mọi tờ chỉ chờ xem dấu đỏ)"},
      {"CONGRESS.db (the counting station); without it, the set-up screen opens or creates one",
       "CONGRESS.db (trạm kiểm phiếu); không có thì màn hình thiết lập mở hoặc tạo một đại hội"},
      {"DIR (default demo-output)", "THƯ_MỤC (mặc định demo-output)"},
      {"JSON output", "in dạng JSON"},
      {"read every stored image again and count every round anew; compare with the stored count",
       "đọc lại mọi ảnh đã lưu và đếm lại mọi lần bầu từ đầu; so với kết quả đã lưu"},
      {"why it is entered by hand (torn, wet, no scanner…)", "vì sao phải nhập tay (phiếu rách, ướt, không có máy quét…)"},
      {"two committee members; on standard input their PINs in that order, then each one's entry (SERIAL CANDIDATE=STATE…)",
       "hai thành viên Ban kiểm phiếu; trên đầu vào chuẩn: mã PIN của hai người theo thứ tự đó, rồi lần nhập của từng người (SỐ_PHIẾU ỨNG_CỬ_VIÊN=TRẠNG_THÁI…)"},
      {"observer: keep every log head the station showed in FILE (default: ~/.local/state/kiemphieu/heads-FINGERPRINT.txt)",
       "người theo dõi: giữ mọi đầu nhật ký trạm đã cho xem trong TỆP (mặc định: ~/.local/state/kiemphieu/heads-DẤU-VÂN-TAY.txt)"},
      {"JSON output (cli-contract.md §6)", "in dạng JSON (cli-contract.md §6)"},
      {"N:HASH, a head of the log printed on a counting record or export (repeatable)",
       "N:HASH, đầu nhật ký in trên biên bản kiểm phiếu hoặc bản xuất (ghi được nhiều lần)"},
      {"FILE of heads an observer's console kept (one per line, N:HASH last on each line)",
       "TỆP các đầu nhật ký màn hình quan sát viên đã giữ (mỗi dòng một, N:HASH ở cuối dòng)"},
      {"SHEET id", "số của tờ phiếu"},
      {"PNG resolution (default 200)", "độ phân giải ảnh PNG (mặc định 200)"},
      {"a second committee member, needed to change a figure already entered (PIN on standard input after --by's)",
       "thành viên Ban kiểm phiếu thứ hai, cần khi sửa một số đã ghi (mã PIN trên đầu vào chuẩn, sau mã của --by)"},
      {"ballots in the PDF (default 1)", "số phiếu trong tệp PDF (mặc định 1)"},
      {"ballots per contest in the PDF (default 1)", "số phiếu mỗi cuộc bầu trong tệp PDF (mặc định 1)"},
      {"candidate id put to the round (repeat)", "mã ứng viên đưa vào lần bầu (lặp lại cho từng người)"},
      {"close by itself after SECONDS", "tự đóng sau SỐ_GIÂY"},
      {"colour (default; needed to see the red stamp) or gray", "colour (màu, mặc định; cần để thấy dấu đỏ) hoặc gray (xám)"},
      {"committee (default) or operator", "committee (Ban kiểm phiếu, mặc định) hoặc operator (người quét)"},
      {"deck seed (default 2025)", "hạt giống của bộ phiếu (mặc định 2025)"},
      {"encrypt the station key under a passphrase (read twice from standard input) before it is written",
       "mã hóa khóa của trạm bằng mật khẩu (nhập hai lần trên đầu vào chuẩn) trước khi ghi ra đĩa"},
      {"folder import: end the batch after this many seconds without a new file", "nhập từ thư mục: kết thúc đợt sau chừng ấy giây không có tệp mới"},
      {"front sides only (default: duplex)", "chỉ quét mặt trước (mặc định: quét hai mặt)"},
      {"full name", "họ và tên"},
      {"full screen, large type, for the congress hall", "toàn màn hình, chữ lớn, cho hội trường"},
      {"how long the kernel holds it unlocked (default 12)", "số giờ khóa được giữ ở trạng thái mở (mặc định 12)"},
      {"keep the sheet but never count it (a photocopy, a second scan)", "giữ tờ phiếu nhưng không bao giờ đếm (bản sao chụp, lần quét thứ hai)"},
      {"no_stamp | write_in | identifying_mark", "no_stamp (không có dấu) | write_in (ghi thêm) | identifying_mark (dấu hiệu nhận biết)"},
      {"number of sheets (default 40)", "số tờ phiếu (mặc định 40)"},
      {"observer: show a station's results from ws://HOST:PORT (no database)", "quan sát viên: xem kết quả của trạm tại ws://MÁY:CỔNG (không cần cơ sở dữ liệu)"},
      {"observer: the station key's fingerprint from the minutes; only messages it signed are shown",
       "quan sát viên: dấu vân tay khóa của trạm ghi trong biên bản; chỉ hiện tin do khóa đó ký"},
      {"one JSON line per waiting side, reasons as codes", "mỗi mặt phiếu chờ một dòng JSON, lý do ở dạng mã"},
      {"publish on this address only (default: every interface)", "chỉ phát trên địa chỉ này (mặc định: mọi giao diện mạng)"},
      {"publish the results read-only to observers on this port", "phát kết quả (chỉ xem) cho quan sát viên trên cổng này"},
      {"recognition threads (default: one per core)", "số luồng nhận dạng (mặc định: mỗi lõi một luồng)"},
      {"render once to this PNG and exit", "vẽ một lần ra tệp PNG này rồi thoát"},
      {"resolution (default 200)", "độ phân giải (mặc định 200)"},
      {"run verify | replay | record on its screen first", "chạy trước verify (kiểm tra) | replay (đọc lại) | record (biên bản) trên màn hình của nó"},
      {"seats put to the round", "số lượng cần bầu trong lần bầu"},
      {"seed; the same seed gives the same deck (default 1)", "hạt giống; cùng hạt giống cho cùng bộ phiếu (mặc định 1)"},
      {"sheets in the scanned deck (default 40)", "số tờ trong bộ ảnh quét (mặc định 40)"},
      {"show this screen first", "mở màn hình này trước"},
      {"sign this member in at the start (PIN on standard input)", "đăng nhập thành viên này khi mở (mã PIN trên đầu vào chuẩn)"},
      {"sim:DIR | folder:DIR | sane:DEVICE[?option=value&…] | escl:http://HOST:PORT[/eSCL] | usb:VID:PID[:SERIAL]",
       "máy quét: sim:THƯ_MỤC (mô phỏng) | folder:THƯ_MỤC | sane:THIẾT_BỊ[?tùy_chọn=giá_trị&…] | escl:http://MÁY:CỔNG[/eSCL] | usb:VID:PID[:SỐ_MÁY]"},
      {"simulated scanner: faults to play, for training (jam@5,double_feed@12)", "máy quét mô phỏng: lỗi giả lập để tập dượt (jam@5,double_feed@12)"},
      {"simulated scanner: faults, e.g. jam@5,double_feed@12,cover_open@20,unplug@30,busy",
       "máy quét mô phỏng: lỗi giả lập, ví dụ jam@5,double_feed@12,cover_open@20,unplug@30,busy"},
      {"simulated scanner: images per minute (default 300)", "máy quét mô phỏng: số ảnh mỗi phút (mặc định 300)"},
      {"start a batch from this scanner on the scanning screen", "bắt đầu một đợt quét từ máy quét này trên màn hình quét"},
      {"the committee member who consents (needed once there is one)", "thành viên Ban kiểm phiếu đồng ý (cần khi đã có thành viên)"},
      {"the committee member who enters it (PIN on standard input)", "thành viên Ban kiểm phiếu nhập số (mã PIN trên đầu vào chuẩn)"},
      {"the committee member who protects it (needed once there is one)", "thành viên Ban kiểm phiếu bảo vệ khóa (cần khi đã có thành viên)"},
      {"the congress's decision, for the record", "quyết định của đại hội, ghi vào biên bản"},
      {"the scanner the scanning screen offers first (sim:DIR, sane:…, …)", "máy quét màn hình quét đề xuất trước (sim:THƯ_MỤC, sane:…, …)"},
      {"the station key fingerprint read into the minutes at set-up", "dấu vân tay khóa của trạm đã đọc vào biên bản lúc thiết lập"},
      {"then report USB scanners plugged in and out for SECONDS (Ctrl-C ends)", "rồi báo máy quét USB được cắm, rút trong SỐ_GIÂY (Ctrl-C để dừng)"},
      {"two committee members (their PINs on standard input, one per line)", "hai thành viên Ban kiểm phiếu (mã PIN trên đầu vào chuẩn, mỗi dòng một mã)"},
      {"unlock the station key for the session at the start (passphrase on standard input, before the PIN)",
       "mở khóa của trạm cho phiên làm việc khi mở (mật khẩu trên đầu vào chuẩn, trước mã PIN)"},
      {"who prints them: the files then go into the audit log with their hashes", "người in: các tệp được ghi vào nhật ký kèm mã băm"},
      {"who scans (default: the login name)", "người quét (mặc định: tên đăng nhập máy)"},
      {"who writes it: the files then go into the audit log with their hashes", "người viết: các tệp được ghi vào nhật ký kèm mã băm"},
      {"why", "lý do"},
      {"with --screenshot: also write every text shown, one per line", "cùng --screenshot: ghi thêm mọi chữ hiển thị, mỗi dòng một mục"},
      {"with --screenshot: also write the results shown, as JSON", "cùng --screenshot: ghi thêm kết quả hiển thị, dạng JSON"},
      {"worker threads (default: one per core)", "số luồng xử lý (mặc định: mỗi lõi một luồng)"},
      {"write an overlay PNG per image showing what was read", "ghi cho mỗi ảnh một tệp PNG vẽ chồng những gì đọc được"},
      {"register a member; PIN on stdin (then the consenting member's PIN)",
       "đăng ký thành viên; mã PIN trên đầu vào chuẩn (rồi mã PIN của thành viên đồng ý)"},
      {"the registered members, one JSON line each", "các thành viên đã đăng ký, mỗi người một dòng JSON"},
      {"rounds, their state, issued and result", "các lần bầu, trạng thái, số phiếu phát ra và kết quả"},
      {"close the contest's open round and record its result", "kết thúc lần bầu đang mở của cuộc bầu và ghi kết quả"},
      {"open a further round (after a tie or unfilled seats)", "mở thêm một lần bầu (khi bằng phiếu hoặc chưa đủ số lượng)"},
      {"print the ballots of the contest's open round", "in phiếu bầu của lần bầu đang mở của cuộc bầu"},
      {"chain, signatures, images, sheet states, members, two recounts", "chuỗi băm, chữ ký, ảnh, trạng thái tờ phiếu, thành viên, hai lần đếm lại"},
      {"re-run recognition on every stored image and compare", "nhận dạng lại mọi ảnh đã lưu và so sánh"},
      {"check an export: record hashes, Merkle root, signature", "kiểm tra một bản xuất: mã băm, gốc Merkle, chữ ký"},
      {"the key's fingerprint and whether it is plain, locked or unlocked (JSON)", "dấu vân tay của khóa và trạng thái: không mã hóa, đang khóa hay đang mở (JSON)"},
      {"encrypt the key under a new passphrase (twice on stdin, then --by's PIN)",
       "mã hóa khóa bằng mật khẩu mới (hai lần trên đầu vào chuẩn, rồi mã PIN của --by)"},
      {"unlock the key for the session (passphrase on standard input)", "mở khóa cho phiên làm việc (mật khẩu trên đầu vào chuẩn)"},
      {"drop the unlocked key now", "khóa lại ngay"},
      {"(internal) the SANE worker process", "(nội bộ) tiến trình làm việc với SANE"},
  };
  return table;
}

// "tiếng Việt / English", as commands are declared: the part in the language asked for.
std::string part_for(const std::string& both, Lang lang) {
  const auto slash = both.find(" / ");
  if (slash == std::string::npos || both.find(" / ", slash + 3) != std::string::npos) return both;
  return lang == Lang::en ? both.substr(slash + 3) : both.substr(0, slash);
}

// A description of one word ("CONGRESS.db", "N:HASH", "CONTEST") names a value or a file, the
// same in both languages.
bool names_only_a_value(const std::string& text) { return text.find(' ') == std::string::npos; }

// Characters as the terminal shows them: UTF-8 continuation bytes take no column.
std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

// CLI11 lines its columns up by bytes; Vietnamese headings ("BẮT BUỘC") and descriptions have
// letters of two and three bytes, so the columns are lined up by characters here.
class ColumnsByCharacter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* option, bool is_positional) const override {
    const std::string name = "  " + make_option_name(option, is_positional) + make_option_opts(option);
    const std::string description = make_option_desc(option);
    const std::size_t width = get_column_width();
    std::string out = name;
    if (!description.empty()) {
      if (columns(name) >= width) {
        out += "\n" + std::string(width, ' ');
      } else {
        out += std::string(width - columns(name), ' ');
      }
      for (const char c : description) {
        out += c;
        if (c == '\n') out += std::string(width, ' ');
      }
    }
    return out + "\n";
  }
};

void use_formatter(CLI::App& app, const std::shared_ptr<CLI::Formatter>& formatter) {
  app.formatter(formatter);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) use_formatter(*sub, formatter);
}

std::string spoken(const std::string& declared, Lang lang) {
  const auto& table = vietnamese();
  if (const auto it = table.find(declared); it != table.end()) return lang == Lang::en ? declared : it->second;
  return part_for(declared, lang);
}

void collect_missing(const CLI::App& app, std::vector<std::string>& out) {
  for (const CLI::Option* option : app.get_options()) {
    const std::string& d = option->get_description();
    if (d.empty() || option->get_group().empty() || names_only_a_value(d) || vietnamese().count(d) != 0 || part_for(d, Lang::vi) != d) continue;
    out.push_back(app.get_name() + " " + option->get_name() + ": " + d);
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string& d = sub->get_description();
    if (!d.empty() && vietnamese().count(d) == 0 && part_for(d, Lang::vi) == d) out.push_back(sub->get_name() + ": " + d);
    collect_missing(*sub, out);
  }
}

void speak(CLI::App& app, Lang lang) {
  app.description(spoken(app.get_description(), lang));
  for (CLI::Option* option : app.get_options()) {
    option->description(spoken(option->get_description(), lang));
    if (lang == Lang::vi && option->get_group() == "Options") option->group("Tùy chọn");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (lang == Lang::vi && sub->get_group() == "Subcommands") sub->group("Lệnh");
    speak(*sub, lang);
  }
}

}  // namespace

void speak_help_in(CLI::App& app, Lang lang) {
  speak(app, lang);
  if (lang != Lang::vi) return;
  auto formatter = std::make_shared<ColumnsByCharacter>();
  use_formatter(app, formatter);
  formatter->label("Usage", "Cách dùng");
  formatter->label("Positionals", "Tham số");
  formatter->label("OPTIONS", "TÙY_CHỌN");
  formatter->label("SUBCOMMAND", "LỆNH");
  formatter->label("SUBCOMMANDS", "LỆNH");
  formatter->label("REQUIRED", "BẮT BUỘC");
  formatter->label("Needs", "Cần");
  formatter->label("Excludes", "Loại trừ");
  formatter->label("Env", "Biến môi trường");
}

std::vector<std::string> help_without_vietnamese(const CLI::App& app) {
  std::vector<std::string> out;
  collect_missing(app, out);
  return out;
}

}  // namespace kp
