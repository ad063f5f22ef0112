/* runtime.h -- `milkbot lambda`: the AWS Lambda custom runtime loop.
 *
 * Over the Runtime API (version 2018-06-01, at $AWS_LAMBDA_RUNTIME_API):
 * GET the next invocation, run the webhook handler on its event, POST the
 * response; a failed invocation POSTs to .../error, a failed
 * initialisation to /runtime/init/error. Everything expensive (curl
 * handles, ICU calendars, the store, secrets) is set up once per container
 * and reused by warm invocations. */
#ifndef MILKBOT_RUNTIME_H
#define MILKBOT_RUNTIME_H

/* Runs until the Runtime API goes away. Returns the process exit status
 * (1 after an initialisation error, which has been reported). */
int lambda_run(void);

#endif
