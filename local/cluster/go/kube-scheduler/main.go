// Command kube-scheduler is the upstream kube-scheduler main, built from the same
// k8s.io/kubernetes module as kube-apiserver, so pods in the lifelike test cluster get bound
// to nodes by the real scheduler.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand()))
}
