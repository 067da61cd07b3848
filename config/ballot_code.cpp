#include "config/ballot_code.hpp"

#include <charconv>

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace kp::config {
namespace {
// Medium error correction (~15%): a voter's stray mark or a stamp edge over the code is
// survivable while the code stays small (version 4–5 for our payloads).
constexpr int kQrEccMedium = 4;

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}
}  // namespace

std::string encode_ballot_code(const BallotCode& code) {
  return "KP1|" + code.election_id + "|" + code.contest_id + "|" + (code.side == Side::front ? "F" : "B") + "|" +
         code.layout_hash + "|" + std::to_string(code.serial);
}

std::optional<BallotCode> decode_ballot_code(std::string_view text) {
  const auto parts = split(text, '|');
  if (parts.size() != 6 || parts[0] != "KP1") return std::nullopt;
  BallotCode code;
  code.election_id = std::string(parts[1]);
  code.contest_id = std::string(parts[2]);
  if (parts[3] == "F") {
    code.side = Side::front;
  } else if (parts[3] == "B") {
    code.side = Side::back;
  } else {
    return std::nullopt;
  }
  code.layout_hash = std::string(parts[4]);
  const auto serial = parts[5];
  const auto [ptr, ec] = std::from_chars(serial.data(), serial.data() + serial.size(), code.serial);
  if (ec != std::errc() || ptr != serial.data() + serial.size() || code.election_id.empty() || code.contest_id.empty()) {
    return std::nullopt;
  }
  return code;
}

RectMm qr_module_box(const RectMm& qr_box, const QrMatrix& m, int x, int y) {
  const double module = qr_box.w / (m.size + 2 * kQrQuietModules);
  return {qr_box.x + (x + kQrQuietModules) * module, qr_box.y + (y + kQrQuietModules) * module, module, module};
}

QrMatrix qr_matrix(const std::string& payload) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
  writer.setMargin(0).setEccLevel(kQrEccMedium).setEncoding(ZXing::CharacterSet::UTF8);
  const ZXing::BitMatrix bits = writer.encode(payload, 1, 1);
  QrMatrix m;
  m.size = bits.width();
  m.dark.resize(static_cast<std::size_t>(m.size * m.size));
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size; ++x) m.dark[static_cast<std::size_t>(y * m.size + x)] = bits.get(x, y) ? 1 : 0;
  }
  return m;
}

}  // namespace kp::config
