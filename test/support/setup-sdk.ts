// The pinned AWS SDK prints, for every test file that builds a client, that its releases after
// January 2027 need Node 22. AwsReadClients switches the notice off for the CLI (modules/aws/
// clients.ts); the tests also build SDK clients of their own (moto setup, checks of what a stack
// created), so the notice is switched off here as well, unless the environment sets it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
