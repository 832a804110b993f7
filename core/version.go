package core

// Version is the release of this module, of libredisclient (rc_version) and
// of the Python package: the repository's VERSION file, copied here by
// scripts/version.sh so that a consumer's build needs nothing outside core.
const Version = "0.1.0"
