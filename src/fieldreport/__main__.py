from fieldreport.cli import app

app(prog_name="fieldreport")
