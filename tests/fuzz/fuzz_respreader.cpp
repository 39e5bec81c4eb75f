// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// libFuzzer target for the Redis reply path. Build with clang:
//   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DQD_FUZZ=ON && cmake --build build/fuzz --target fuzz_respreader
//   build/fuzz/tests/fuzz/fuzz_respreader -max_total_time=60
// The first input byte picks how the rest is split into feeds, as replies arrive from a socket in pieces.
#include "core/backends/redis/respreader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    const size_t step = size_t(data[0] % 16) + 1;
    qd::redis::RespReader reader(qd::redis::RespReader::Limits{1 << 20, 100000});
    for (size_t at = 1; at < size; at += step) {
        const size_t n = std::min(step, size - at);
        if (!reader.feed(reinterpret_cast<const char *>(data + at), qsizetype(n))) {
            break;
        }
        while (auto reply = reader.next()) {
            (void)reply->approximateSize();
        }
    }
    return 0;
}
