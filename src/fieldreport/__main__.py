from fieldreport.cli import app

if __name__ == "__main__":  # not when a worker process (Dask, spawn) imports it
    app(prog_name="fieldreport")
