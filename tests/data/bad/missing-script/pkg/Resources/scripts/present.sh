#!/bin/sh
# A script that is present (the plan names others that are not).
echo present
