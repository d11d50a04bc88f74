// Command etcd is the upstream etcd server main, built from go.etcd.io/etcd/server/v3
// so tests run against a real etcd new enough for streaming lists.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
