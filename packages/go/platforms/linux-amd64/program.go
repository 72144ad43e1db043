// Package linuxamd64 carries the postproxy-mock program for Linux x86-64 (glibc). It is
// imported by github.com/postproxy/postproxy-rs/packages/go/postproxymock on linux/amd64 only
// (a build constraint there); use that package, not this one.
//
// In the repository the program file is an empty placeholder: packages/go/pack.sh puts the
// release build in its place and writes program_sum.go.
package linuxamd64

import _ "embed"

// Program is the postproxy-mock executable.
//
//go:embed postproxy-mock
var Program []byte

// Version is the version of the program, the workspace's; postproxymock refuses a platform
// module of another version than its own.
const Version = "0.1.0"
