# tests/lib.sh -- the assertions shared by the shell tests (source it).
# Each assertion counts; end a test with `finish NAME`, which prints the
# plain "N passed, N failed" line and sets the exit status.
passed=0 failed=0

check() { # check NAME EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

contains() { # contains NAME NEEDLE HAYSTACK
    case "$3" in
    *"$2"*) passed=$((passed + 1)) ;;
    *) failed=$((failed + 1)); printf 'FAIL %s\n  no "%s" in: %s\n' "$1" "$2" "$3" ;;
    esac
}

finish() { # finish NAME
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
