from myalmaty import create_app

app = create_app()
