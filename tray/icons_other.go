//go:build !windows

package tray

const iconExt = ".png"
