// <windows.h> as the engine's Windows-only code includes it: without its rarely used parts, and without the min and
// max macros, which would break std::min and std::numeric_limits<T>::max(). Include it only from .cc files, so
// that the macros <windows.h> still defines stay out of the engine's headers.
#pragma once

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif
