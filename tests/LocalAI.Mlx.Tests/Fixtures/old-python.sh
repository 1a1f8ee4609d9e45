#!/bin/sh
# Answers the version probe as a Python 3.8 would: a fault injected to test the version check.
echo "3.8.18"
