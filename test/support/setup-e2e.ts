// End-to-end tests apply real Terraform plans against moto: minutes, not the default 5 s.
// (testTimeout is a global jest option, so each project sets its own here.)
jest.setTimeout(600_000);
