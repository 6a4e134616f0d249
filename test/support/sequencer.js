// The order jest starts test files in. Without timings of an earlier run (a clean clone in CI), jest
// orders by file size, which can start the longest end-to-end file last and leave one core idle at
// the end. Here the longest files start first: end-to-end files by their measured cost, then the
// unit files, the slow property tests first.
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds each slow file took on the 2-core CI machine (rough: only the order matters). */
const COST = {
  'generator/equivalence.e2e.test.ts': 210,
  'adoption/adoption.e2e.test.ts': 140,
  'cdktf/cdktf-apply.e2e.test.ts': 250,
  'doctor/doctor.e2e.test.ts': 55,
  'generator/module-tests.e2e.test.ts': 50,
  'generator/terraform.e2e.test.ts': 40,
  'core/validate-property.test.ts': 40,
  'cdktf/examples-validate.e2e.test.ts': 25,
  'core/policy-evaluation.test.ts': 15,
  'cdktf/library-client.e2e.test.ts': 13,
};

const cost = (test) => {
  const path = test.path.replace(/\\/g, '/');
  const known = Object.entries(COST).find(([suffix]) => path.endsWith(`/test/${suffix}`));
  return known ? known[1] : path.endsWith('.e2e.test.ts') ? 10 : 1;
};

class CostSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => cost(b) - cost(a) || a.path.localeCompare(b.path));
  }
}

module.exports = CostSequencer;
