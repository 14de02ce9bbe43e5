package main

// mountSDK serves the browser SDK and the demo page.
func (a *agent) mountSDK() {}
