// Package printing is the core of Labelbridge: the Job and Printer types,
// the Transport interface every printer connection implements, and the
// Spooler that keeps one ordered queue and one worker per printer, backed by
// a durable job store.
//
// Nothing in this package knows about WebSockets, trays or USB: transports
// (virtual, netraw, usb, …) plug in through Transport, and the wire layer
// (wsserver) talks to the Spooler.
package printing
