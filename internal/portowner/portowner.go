// Package portowner names the program listening on a loopback TCP port, so
// "port 19810 is already in use" can say by whom. Linux reads /proc; other
// systems cannot tell without privileges and say how to look.
package portowner
