/** The package version, echoed into every output header. Kept in sync with package.json by a test. */
export const VERSION = '0.1.0';
