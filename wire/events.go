package wire

import (
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/sites"
)

// Events: the notifications the agent sends to a subscribed connection
// (the notification's method is the event's name).
const (
	EventJob      = "job"      // params: Job (a job changed state)
	EventPrinters = "printers" // params: PrintersResult (the list or a status changed)
	EventSites    = "sites"    // params: SitesResult (admin only: the allowed or pending sites changed)
	EventFleet    = "fleet"    // params: FleetStatus (admin only: the fleet connection's state changed)
)

// Events returns every event name, sorted.
func Events() []string { return sorted(EventJob, EventPrinters, EventSites, EventFleet) }

// Topics a connection subscribes to; each brings its event.
const (
	TopicJobs     = "jobs"     // EventJob: admins see every job, a page its own
	TopicPrinters = "printers" // EventPrinters
	TopicSites    = "sites"    // EventSites, admin only
	TopicFleet    = "fleet"    // EventFleet, admin only
)

// AdminTopics are the topics only admin connections may subscribe to.
func AdminTopics() []string { return sorted(TopicSites, TopicFleet) }

// Topics returns every topic, sorted.
func Topics() []string { return sorted(TopicJobs, TopicPrinters, TopicSites, TopicFleet) }

// The shapes below are the core's (see the package comment).
type (
	Job      = printing.Job      // a print job as the API shows it
	JobState = printing.JobState // Job.State
	Printer  = printing.Printer  // a printer as the API shows it
	Status   = printing.Status   // Printer.Status
	Site     = sites.Site        // a site (origin) the panel lists
)

// Job states (Job.State).
const (
	JobQueued   = printing.JobQueued
	JobSending  = printing.JobSending
	JobDone     = printing.JobDone
	JobFailed   = printing.JobFailed
	JobCanceled = printing.JobCanceled
	JobHeld     = printing.JobHeld
)

// JobStates returns every job state, in lifecycle order.
func JobStates() []JobState {
	return []JobState{JobQueued, JobSending, JobDone, JobFailed, JobCanceled, JobHeld}
}
