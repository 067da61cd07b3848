#pragma once
// The QR code on every ballot side: which election, contest and side it is, the layout it was
// printed with and the sheet's serial number.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/geometry.hpp"
#include "common/marks.hpp"

namespace kp::config {

struct BallotCode {
  std::string election_id;
  std::string contest_id;
  Side side = Side::front;
  std::string layout_hash;  // first 12 hex digits of the layout hash
  std::uint32_t serial = 0; // 0 on a blank template, 1…N on issued ballots

  friend bool operator==(const BallotCode&, const BallotCode&) = default;
};

// "KP1|<election>|<contest>|F|<hash12>|<serial>"; the version prefix lets the format grow.
std::string encode_ballot_code(const BallotCode& code);
std::optional<BallotCode> decode_ballot_code(std::string_view text);

// QR modules, row by row, true = dark; no quiet zone.
struct QrMatrix {
  int size = 0;
  std::vector<std::uint8_t> dark;
  [[nodiscard]] bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)] != 0; }
};

QrMatrix qr_matrix(const std::string& payload);

// Quiet zone, in modules, kept white around the code inside its box (ISO 18004 asks for 4; the
// box sits on white paper with nothing printed nearby, so 2 inside the box is enough).
constexpr int kQrQuietModules = 2;

// Where module (x, y) of `m` lies inside `qr_box`, in millimetres: the printer and the
// synthetic deck place the code's modules by this one rule.
RectMm qr_module_box(const RectMm& qr_box, const QrMatrix& m, int x, int y);

}  // namespace kp::config
