// Fixture: the headless program reaching into the console.
#include "ui/console.hpp"
