from powershare_demo import main

main()
