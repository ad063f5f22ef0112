# content_stamp.cmake -- writes OUT with the SHA-256 of IN, but only when it
# changed: a build step that depends on OUT then reruns when IN's content
# changes, whatever IN's modification time says (dpkg keeps the package's
# timestamps, so a tzdata update can carry an older date than the last
# build). usage: cmake -DIN=file -DOUT=stamp -P content_stamp.cmake
file(SHA256 "${IN}" hash)
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL hash)
  file(WRITE "${OUT}" "${hash}")
endif()
