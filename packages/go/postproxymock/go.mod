module github.com/postproxy/postproxy-rs/packages/go/postproxymock

go 1.22

require github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64 v0.1.0
