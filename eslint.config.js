// ESLint flat config for burnlink's JavaScript: the browser modules in static/js (no build step,
// served as they are) and their Node tests in tests/js (node --test, Node 20).
// Run it with .ci/lint-js, which installs the pinned tooling from package-lock.json when needed.
import js from "@eslint/js";
import globals from "globals";

// Beyond "recommended": mistakes that have bitten or would bite a crypto page.
const strict = {
  "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all", ignoreRestSiblings: true }],
  eqeqeq: ["error", "always"],
  "no-var": "error",
  "prefer-const": ["error", { destructuring: "all" }],
  "no-shadow": ["error", { builtinGlobals: false }],
  "no-use-before-define": ["error", { functions: false, classes: true, variables: true }],
  "no-throw-literal": "error",
  "no-implicit-coercion": ["error", { allow: ["!!"] }],
  "no-return-assign": ["error", "except-parens"],
  "no-eval": "error",
  "no-implied-eval": "error",
  "no-new-func": "error",
};

export default [
  {
    // Third-party code is kept as shipped; node_modules is ignored by default.
    ignores: ["static/vendor/**", "tests/browser/vendor/**"],
  },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      ...strict,
      // Pages handle keys, codes and plaintexts: nothing of theirs may end up in a console.
      "no-console": "error",
    },
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
    rules: strict,
  },
  {
    // This file itself (ESM through package.json "type": "module").
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
    rules: strict,
  },
];
