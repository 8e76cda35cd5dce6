# "cloud": Debian's cloud kernel stands in for linux-image-amd64; "generic": keep Debian's default
export DIB_MURANOKIT_KERNEL=${DIB_MURANOKIT_KERNEL:-cloud}
