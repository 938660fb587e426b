"""Demand forecasts and their backtest: plain Python over frames read from the marts.

Nothing here imports Dagster; pandas, numpy and LightGBM are imported inside the functions
that use them, so importing the package costs nothing.
"""
