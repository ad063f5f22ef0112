# warnings.cmake -- the warning flags of milkbot's own code (CMakeLists.txt
# and the stand-alone build of tools/tzif2icu); warnings are errors on our
# own code only, see grammar/ for generated code.
set(MILKBOT_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral)
