// Fixture for the layering test: a public header must not expose toml++.
#include <toml++/toml.h>
