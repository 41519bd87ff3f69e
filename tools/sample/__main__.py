from tools.sample import main

raise SystemExit(main())
