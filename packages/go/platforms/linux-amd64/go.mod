module github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64

go 1.22
