// Command influxd is InfluxDB 1.8's server ("influxd run -config FILE"), built from the
// github.com/influxdata/influxdb module so the metrics exporter's v2 write path
// (/api/v2/write, InfluxDB 1.8+) is tested against a real server. Debian ships 1.6, which
// has only the v1 /write endpoint.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/influxdata/influxdb/cmd/influxd/run"
)

// version is reported in /ping's X-Influxdb-Version, which krm uses to pick the write API.
var version = "1.8.10"

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "run" {
		args = args[1:]
	}
	cmd := run.NewCommand()
	cmd.Version = version
	cmd.Commit = "krm-test"
	cmd.Branch = "1.8"
	if err := cmd.Run(args...); err != nil {
		fmt.Fprintf(os.Stderr, "run: %s\n", err)
		os.Exit(1)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	<-signals
	go cmd.Close()
	select {
	case <-signals:
	case <-time.After(30 * time.Second):
	case <-cmd.Closed:
	}
}
