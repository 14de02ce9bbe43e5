// Package dist tests the release artifacts end to end: TestMain runs
// scripts/dist.sh once (every artifact, Authenticode-signed with a
// throwaway certificate), and the tests list each installer's contents,
// install the .deb into a throwaway dpkg root and talk to the installed
// agent, and run the Windows exe, the NSIS installer and the MSI under
// wine64 in one throwaway prefix.
//
// Tools come from scripts/deps/test-dist.txt. With CI=true a missing tool
// fails the tests; locally they are skipped.
package dist
