// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// Package boundaries of DESIGN.md §3: services talk over the bus, never through each other's code.
const SERVICES = [
  "@switchyard/coordinator",
  "@switchyard/agent-kit",
  "@switchyard/cli",
  "@switchyard/executor",
  "@switchyard/console",
];
// `below`: shared libraries a lower layer must not import (contracts ← infra ← models ← services).
const boundary = (allowed, below = []) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["**/src/*", "!./**", "!../**"],
          message: "Import a package by its name, not another package's src/.",
        },
        { group: ["**/test/**", "@switchyard/test"], message: "Nothing imports test/." },
      ],
      paths: [
        ...SERVICES.filter((p) => !allowed.includes(p)).map((name) => ({
          name,
          message: "Packages talk over the bus, not by importing each other.",
        })),
        ...below.map((name) => ({ name, message: "Dependency direction: contracts ← infra ← models ← services." })),
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      ".tools/**",
      ".switchyard/**",
      "contracts/schema/**",
      "test/.generated/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "cli/bin/*.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
      // Handlers and tools are async by contract even when a given one has nothing to await.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["contracts/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@switchyard/*"], message: "contracts depends on zod only." }] },
      ],
    },
  },
  { files: ["infra/**/*.ts"], rules: boundary([], ["@switchyard/models"]) },
  // The model layer: a shared library on contracts and infra only, used by the agent kit and the coordinator.
  { files: ["models/**/*.ts"], rules: boundary([]) },
  { files: ["coordinator/**/*.ts"], rules: boundary(["@switchyard/coordinator"]) },
  { files: ["agents/**/*.ts"], rules: boundary(["@switchyard/agent-kit"]) },
  // The executor holds the destructive actions: it stands on contracts and infra alone.
  { files: ["executor/**/*.ts"], rules: boundary(["@switchyard/executor"], ["@switchyard/models"]) },
  { files: ["cli/**/*.ts"], rules: boundary(["@switchyard/cli"]) },
  // The eval harness: a library on contracts, infra and models; it reaches a stack through the CLI's GoalDriver.
  { files: ["evals/**/*.ts"], rules: boundary([]) },
  { files: ["**/*.test.ts", "test/**/*.ts", "cli/**/*.ts", "**/scripts/**/*.ts"], rules: { "no-console": "off" } },
  { files: ["test/**/*.ts"], rules: { "no-restricted-imports": "off" } },
  {
    // vitest's asymmetric matchers (expect.stringMatching, …) are typed `any`.
    files: ["**/*.test.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off", "@typescript-eslint/no-unsafe-call": "off" },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
  {
    // The console's page runs in a browser.
    files: ["cli/console-ui/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "document",
          "window",
          "location",
          "fetch",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "URLSearchParams",
          "EventSource",
          "Node",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  prettier,
);
