// jest globalTeardown: see test/support/shared-plans.js.
"use strict";
module.exports = require("./shared-plans").teardown;
