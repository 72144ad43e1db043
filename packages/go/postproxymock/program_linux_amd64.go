//go:build !postproxymock_noembed

package postproxymock

import program "github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64"

func init() {
	embedded = &embeddedProgram{
		data:    program.Program,
		size:    program.Size,
		sha256:  program.SHA256,
		version: program.Version,
		module:  Platforms[0].Module,
	}
}
