// Support code of the `real` profile only (cucumber.js): the step time limit against real
// processes (STEP_TIMEOUT_MS in steps/support/time-limits.ts says why it is longer).
//
// Plain CommonJS, not TypeScript, so that `require: ['steps/**/*.ts']` does not load it in every
// profile: Cucumber fixes the default time limit when it has loaded the support code, before any
// world (and its `mode` parameter) exists. The world checks that its mode and this limit agree.
const { setDefaultTimeout } = require('@cucumber/cucumber');
const { STEP_TIMEOUT_MS, realStepTimeoutSet } = require('./time-limits');

setDefaultTimeout(STEP_TIMEOUT_MS.real);
realStepTimeoutSet();
