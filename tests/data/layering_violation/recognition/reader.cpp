// Fixture for the layering test: recognition must not include the tally.
#include "tally/engine.hpp"
