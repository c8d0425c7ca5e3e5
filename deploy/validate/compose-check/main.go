// compose-check loads a docker-compose file with compose-go, the library Docker Compose itself uses to read compose
// files: the compose-spec JSON schema, variable interpolation, merge keys, extends and the cross-references between
// services, networks and volumes are all checked as `docker compose config` would. No Docker engine is needed.
//
//	go run . ../../compose/docker-compose.yml
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml>")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	names := project.ServiceNames()
	sort.Strings(names)
	for _, name := range names {
		service := project.Services[name]
		var notes []string
		if service.Build != nil {
			args := []string{}
			for key, value := range service.Build.Args {
				if value != nil {
					args = append(args, key+"="+*value)
				}
			}
			sort.Strings(args)
			notes = append(notes, "build "+service.Build.Dockerfile+" "+strings.Join(args, " "))
		}
		if service.HealthCheck != nil && !service.HealthCheck.Disable {
			notes = append(notes, "healthcheck")
		}
		fmt.Printf("  service %-15s image %-40s %s\n", name, service.Image, strings.Join(notes, "; "))
	}
	fmt.Printf("compose-check: %s is valid (%d services, %d volumes)\n", os.Args[1], len(names), len(project.Volumes))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-check: "+err.Error())
	os.Exit(1)
}
