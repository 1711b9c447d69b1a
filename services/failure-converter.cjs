// Temporal loads this by path (`failureConverterPath`), in Node and in the workflow bundle alike,
// hence plain CommonJS. With `encodeCommonAttributes` a failure's message and stack trace travel
// as a payload, which the payload codec encrypts like any other (services/payload-codec.ts): an
// error message quoting a citizen's data is not readable in a history either.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
