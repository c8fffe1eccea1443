// The neondot kernel set: space/kernels_neon.cc compiled once more, with the Armv8.2 dot-product instructions, so
// its float32 and f16 kernels are the neon set's source and its i8 kernel multiplies with SDOT (docs/design.md,
// "Spaces and kernels").
#define HNSWKIT_NEON_DOT 1
#include "space/kernels_neon.cc"
