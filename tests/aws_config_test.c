/* aws_config_test.c -- where requests go: each service's endpoint in the
 * region's partition (the DNS suffixes AWS documents for each partition),
 * and the SDKs' endpoint overrides. */
#include "aws/aws_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_partition_suffixes(void **state) {
    (void)state;
    static const struct {
        const char *region, *suffix;
    } cases[] = {
        {"us-east-1", "amazonaws.com"},      {"eu-west-1", "amazonaws.com"},
        {"ap-southeast-5", "amazonaws.com"}, {"mx-central-1", "amazonaws.com"},
        {"us-gov-west-1", "amazonaws.com"},  /* GovCloud shares the suffix */
        {"cn-north-1", "amazonaws.com.cn"},  {"cn-northwest-1", "amazonaws.com.cn"},
        {"us-iso-east-1", "c2s.ic.gov"},     {"us-isob-east-1", "sc2s.sgov.gov"},
        {"eu-isoe-west-1", "cloud.adc-e.uk"}, {"us-isof-south-1", "csp.hci.ic.gov"},
        {"eusc-de-east-1", "amazonaws.eu"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(aws_partition_dns_suffix(cases[i].region), cases[i].suffix);
}

static void environment(const char *region) {
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", region, 1);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
    unsetenv("AWS_ENDPOINT_URL_SSM");
    /* no profile of this machine's user */
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
}

static void test_endpoints_by_region(void **state) {
    (void)state;
    aws_config c;
    char err[256];
    environment("cn-northwest-1");
    assert_int_equal(aws_config_from_env(&c, "dynamodb", err, sizeof err), 0);
    assert_string_equal(c.endpoint, "https://dynamodb.cn-northwest-1.amazonaws.com.cn");
    assert_int_equal(aws_config_from_env(&c, "ssm", err, sizeof err), 0);
    assert_string_equal(c.endpoint, "https://ssm.cn-northwest-1.amazonaws.com.cn");
    environment("ap-south-2");
    assert_int_equal(aws_config_from_env(&c, "ssm", err, sizeof err), 0);
    assert_string_equal(c.endpoint, "https://ssm.ap-south-2.amazonaws.com");
    assert_string_equal(c.region, "ap-south-2");
}

static void test_endpoint_overrides(void **state) {
    (void)state;
    aws_config c;
    char err[256];
    environment("cn-north-1");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1/", 1);
    setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:2", 1);
    assert_int_equal(aws_config_from_env(&c, "ssm", err, sizeof err), 0);
    assert_string_equal(c.endpoint, "http://127.0.0.1:2");
    assert_int_equal(aws_config_from_env(&c, "dynamodb", err, sizeof err), 0);
    assert_string_equal(c.endpoint, "http://127.0.0.1:1"); /* no trailing slash */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_suffixes),
        cmocka_unit_test(test_endpoints_by_region),
        cmocka_unit_test(test_endpoint_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
