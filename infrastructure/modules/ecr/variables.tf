variable "name" {
  description = "Repository name (the image name)."
  type        = string
  default     = "crm-app"
}

variable "keep_last_images" {
  description = "How many images to keep (the seed keeps 10)."
  type        = number
  default     = 10
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (leftover build layers) are expired."
  type        = number
  default     = 3
}

variable "force_delete" {
  description = "Let terraform destroy delete the repository with its images (images are rebuilt from git by CI)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
