from dep.cli.app import main

raise SystemExit(main())
