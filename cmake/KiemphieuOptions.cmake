# Project-wide build options: warnings (as errors in the dev and ci presets) and sanitizers.
option(KP_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
option(KP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(KP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Debian's hardening (dpkg-buildflags): fortified libc calls where the optimiser can see
# buffer sizes (not at -O0, where _FORTIFY_SOURCE does nothing but warn), stack protector,
# and relocations read-only after start-up, so lintian finds the programs hardened as
# Debian's own.
add_link_options(-Wl,-z,relro -Wl,-z,now)

# Applied to the project's own targets only; third-party headers come in as system includes.
function(kp_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    -Wimplicit-fallthrough -Wcast-qual -Wformat=2
    -fstack-protector-strong)
  # -U first: a toolchain or distribution may already define another level. Not with the
  # sanitizers, whose own checks the fortified wrappers would stand in front of.
  if(NOT KP_SANITIZE)
    target_compile_options(${target} PRIVATE "$<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>")
  endif()
  # GCC 12 reports -Wrestrict on "literal" + std::string at -O2 (GCC bug 105651, a false
  # positive inside libstdc++); it would make Release builds with -Werror fail on correct code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(KP_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
