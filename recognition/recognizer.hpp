#pragma once
// Turns a scanned ballot side into evidence: which ballot it is, what the voter did to every
// target, and what the committee must look at. Thread-safe: one Recognizer serves every thread.
#include <functional>
#include <memory>
#include <vector>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "common/image.hpp"
#include "config/election.hpp"
#include "config/layout.hpp"

namespace kp::recognition {

// The blank ballot side at `dpi`, gray, serial 0: new ink is measured against it. The program
// wires it to the renderer; recognition itself draws nothing.
using BlankProvider = std::function<Result<Image>(const config::ContestLayout& layout, Side side, int dpi)>;

class Recognizer {
 public:
  static Result<Recognizer> create(const config::Election& election, std::vector<config::ContestLayout> layouts,
                                   const BlankProvider& blank);
  ~Recognizer();
  Recognizer(Recognizer&&) noexcept;
  Recognizer& operator=(Recognizer&&) noexcept;

  [[nodiscard]] SideEvidence recognize(const ImageView& image) const;

  [[nodiscard]] const std::vector<config::ContestLayout>& layouts() const;

 private:
  struct Impl;
  explicit Recognizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kp::recognition
