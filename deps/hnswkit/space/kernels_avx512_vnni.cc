// The avx512vnni kernel set: space/kernels_avx512.cc compiled once more, with AVX-512 VNNI, so its float32 and f16
// kernels are the avx512 set's source and its i8 kernel multiplies with VPDPBUSD (docs/design.md, "Spaces and
// kernels").
#define HNSWKIT_AVX512_VNNI 1
#include "space/kernels_avx512.cc"
