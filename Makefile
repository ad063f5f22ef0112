# Makefile -- for `sam build` only: template.yaml's BotFunction has
# BuildMethod makefile, so `sam build` runs `make build-BotFunction` here
# (build_in_source: no copy of the tree) with ARTIFACTS_DIR set, and zips
# what this leaves there. Everything else is CMake's (scripts/build).
#
#   ARCH   the CPU to build for: x86_64 or arm64. Default: the Architecture
#          samconfig.toml deploys (saved by `sam deploy --guided`), else this
#          machine's (packaging/lambda-arch). For a first arm64 deploy:
#            ARCH=arm64 sam build && sam deploy --guided   (Architecture: arm64)
#          An arm64 package is cross-built on x86-64 (cmake/aarch64-linux-gnu.cmake;
#          scripts/setup --arm64 installs what that needs).
#   MILKBOT_BUILD_DIR  build there instead of build-lambda-ARCH (tests)
ARCH ?=

build-BotFunction:
	packaging/build-function "$(ARCH)" "$(ARTIFACTS_DIR)" "$(MILKBOT_BUILD_DIR)"

.PHONY: build-BotFunction
