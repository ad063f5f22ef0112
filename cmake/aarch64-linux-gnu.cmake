# aarch64-linux-gnu.cmake -- cross-build milkbot (and the Lambda package) for
# arm64 on an x86-64 Debian 12, from Debian's own packages: the cross
# compiler gcc-aarch64-linux-gnu and the arm64 libraries installed
# multiarch (dpkg --add-architecture arm64), which live in
# /usr/lib/aarch64-linux-gnu beside the native ones -- so no sysroot.
# Build-machine tools (re2c, lemon, genrb, icupkg, genccode) stay native;
# tools/tzif2icu is built natively by CMakeLists.txt (ExternalProject).
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkgconf's cross personality: the arm64 .pc files in /usr/lib/aarch64-linux-gnu/pkgconfig
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for the target")
# Programs are the build machine's; libraries and headers are found in the
# multiarch directories through CMAKE_LIBRARY_ARCHITECTURE, not a root path.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# Target programs (the package's tests) run under qemu-user, with the
# loader and glibc of libc6:arm64, installed multiarch (scripts/setup
# --arm64). Not `-L /usr/aarch64-linux-gnu` (the cross toolchain's copy):
# under it pthread_create hangs before its clone, measured here.
find_program(QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${QEMU_AARCH64})
endif()
